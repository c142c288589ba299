# Runs a Python script as __main__ (argv: this file, the script, its arguments), then writes the
# interpreter's own peak RSS (KiB) and CPU microseconds to stderr after a marker that
# bench/measure-process.ts reads: the official evaluator measured the way the Node commands are.
import resource, runpy, sys

script = sys.argv[1]
sys.argv = sys.argv[1:]
try:
    runpy.run_path(script, run_name='__main__')
finally:
    sys.stdout.flush()
usage = resource.getrusage(resource.RUSAGE_SELF)
sys.stderr.write('\n__emu_eval_max_rss_kb__%d %d\n' % (usage.ru_maxrss, round((usage.ru_utime + usage.ru_stime) * 1e6)))
