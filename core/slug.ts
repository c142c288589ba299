// Text made safe for a file or folder name. Two spellings, because names already on users' disks (run
// directories, chart files) must keep their exact form: ids keep case and dots, file names are kebab-case.

/** For ids (run and suite folders): letters keep their case, '.' and '-' stay, at most 40 characters; '' when nothing is left. */
export function idSlug(text: string): string {
  return text.replace(/[^a-zA-Z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
}

/** For file names (report charts, history trend charts): lower-case words joined by '-'; '' when nothing is left. */
export function fileNameSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
