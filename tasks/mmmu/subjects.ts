// MMMU's 30 subjects in its 6 disciplines (MMMU-Benchmark/MMMU mmmu/utils/data_utils.py,
// DOMAIN_CAT2SUB_CAT), in the official order: the discipline table lists them this way.

export const MMMU_DISCIPLINES = {
  'Art and Design': ['Art', 'Art_Theory', 'Design', 'Music'],
  Business: ['Accounting', 'Economics', 'Finance', 'Manage', 'Marketing'],
  Science: ['Biology', 'Chemistry', 'Geography', 'Math', 'Physics'],
  'Health and Medicine': ['Basic_Medical_Science', 'Clinical_Medicine', 'Diagnostics_and_Laboratory_Medicine', 'Pharmacy', 'Public_Health'],
  'Humanities and Social Science': ['History', 'Literature', 'Sociology', 'Psychology'],
  'Tech and Engineering': ['Agriculture', 'Architecture_and_Engineering', 'Computer_Science', 'Electronics', 'Energy_and_Power', 'Materials', 'Mechanical_Engineering'],
} as const satisfies Record<string, readonly string[]>;

export type MmmuDiscipline = keyof typeof MMMU_DISCIPLINES;

const disciplineOfSubject = new Map<string, MmmuDiscipline>(
  Object.entries(MMMU_DISCIPLINES).flatMap(([discipline, subjects]) => subjects.map((subject) => [subject, discipline as MmmuDiscipline] as const)),
);

/** Every subject, in the official order. */
export const MMMU_SUBJECTS: readonly string[] = [...disciplineOfSubject.keys()];

export function mmmuDiscipline(subject: string): MmmuDiscipline | undefined {
  return disciplineOfSubject.get(subject);
}

/**
 * The subject an MMMU id names, as main_eval_only.py reads it: `validation_Art_Theory_12` →
 * `Art_Theory` (everything between the split and the number).
 */
export function mmmuSubjectOfId(id: string): string {
  return id.split('_').slice(1, -1).join('_');
}
