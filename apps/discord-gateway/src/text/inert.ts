/*
 * Text the control plane did not write (agent and template names, reasons, command
 * arguments, log lines, Discord display names, error messages that echo input) made
 * inert before it goes into a Discord message: shown as written, never rendered as
 * markdown, a link or a mention.
 *
 * - invisible characters (zero-width, joiners, bidi controls, soft hyphen) are dropped
 *   first, so they cannot hide a pattern from the rules below;
 * - mentions are broken with a zero-width space (U+200B) after `<` (user, role, channel,
 *   slash-command and emoji mentions) and after `@` of @everyone / @here;
 * - links are broken with U+200B before the `:` of any `scheme://`, and in Discord
 *   invite domains (discord.gg/…), so neither a bare URL nor a masked `[text](url)`
 *   is live;
 * - markdown is escaped with backslashes (emphasis, spoilers, brackets) and at the
 *   start of a line (headings, quotes, lists, subtext); backticks become ˋ (U+02CB).
 *
 * Replies also send allowed_mentions { parse: [] }: even a mention that got through
 * would not ping. Both functions are linear in the input; callers clip after them.
 */

const ZWSP = '\u200b';
// eslint-disable-next-line no-misleading-character-class -- U+034F, a combining mark, is listed on its own on purpose: it is one of the invisibles
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]/g;
/** C0/C1 controls but tab and newline; a carriage return would let a line start anew */
// eslint-disable-next-line no-control-regex -- matching control characters is this expression's job
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function breakMentionsAndLinks(s: string): string {
  return s
    .replace(/</g, `<${ZWSP}`)
    .replace(/@(everyone|here)/gi, `@${ZWSP}$1`)
    .replace(/([a-z][a-z0-9+.-]*):(?=\/\/|\\\/)/gi, `$1${ZWSP}:`)
    .replace(/(discord(?:app)?)\.(gg|com|io|me|li|new)\b/gi, `$1${ZWSP}.$2`);
}

/** For ordinary message text, embed titles, descriptions and field values (markdown is live there). */
export function inert(text: string): string {
  const s = String(text).replace(INVISIBLE, '').replace(CONTROLS, '');
  const escaped = s
    // a backtick becomes ˋ (U+02CB) as in code: an escaped one would still end a code span Discord opened around it
    .replace(/`/g, 'ˋ')
    .replace(/[\\*_~|[\]]/g, '\\$&')
    // what only counts at the start of a line: # heading, -# subtext, > quote, - * + lists, 1. lists
    .replace(/^([ \t]*)([#>+-])/gm, '$1\\$2')
    .replace(/^([ \t]*)(\d+)([.)])/gm, '$1$2\\$3');
  return breakMentionsAndLinks(escaped);
}

/** `inert` on one line: line breaks become spaces (names, titles, labels). */
export function inertLine(text: string): string {
  return inert(String(text).replace(/[\r\n\u2028\u2029]+/g, ' '));
}

/** A code from our own vocabulary (an alert cause, an error code) shown as it is when it looks like one; otherwise `inertLine`. */
export function inertWord(text: string): string {
  const s = String(text);
  return /^[A-Za-z0-9_.:-]{1,100}$/.test(s) ? s : inertLine(s);
}

/**
 * For text shown inside inline code or a code block, where markdown is off and a
 * backslash would show: backticks become ˋ (U+02CB) so the text cannot close the
 * block, and mentions and links are broken as above.
 */
export function inertCode(text: string): string {
  const s = String(text).replace(INVISIBLE, '').replace(CONTROLS, '').replace(/`/g, 'ˋ');
  return breakMentionsAndLinks(s);
}
