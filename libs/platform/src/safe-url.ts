/** A Postgres URL without its password, for logs and errors. */
export const safeUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
