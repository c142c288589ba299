import { taskListingFile, taskListingInputs, writeTaskListing } from './task-listing.js';
import { taskRows } from './task-rows.js';

// The build's last step (`npm run build`, after tsc): `node dist/cli/task-listing-write.js` writes the
// listing `emu-eval tasks` prints without counting the bundled samples again (cli/task-listing.ts).
writeTaskListing(taskListingFile, taskListingInputs(), await taskRows([]));
