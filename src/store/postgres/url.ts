/** True when `db` names a PostgreSQL store (`postgres://` or `postgresql://`) rather than a SQLite file. Pure. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(db);
}

/** `url` as messages show it: the password, if any, replaced by `***`. Pure. */
export function shownUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@?#]*):[^@/?#]*@/i, '$1:***@');
}
