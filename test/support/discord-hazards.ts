/*
 * What would make Discord text live: a link, a mention, markdown from outside. Used by
 * the tests that check the bot's output is inert (unit and end-to-end).
 */

/** The live constructs found in `text` (empty when it is inert). */
export function liveHazards(text: string): string[] {
  const found: string[] = [];
  const check = (name: string, re: RegExp) => {
    const m = re.exec(text);
    if (m) found.push(`${name}: ${JSON.stringify(text.slice(Math.max(0, m.index - 20), m.index + m[0].length + 20))}`);
  };
  check('a URL with a scheme', /[a-z][a-z0-9+.-]*:\/\//i);
  // Discord renders [text](url) only for a URL with a scheme (the check above finds that too)
  check('a masked link', /(?<!\\)\]\s*\(\s*<?[a-z][a-z0-9+.-]*:/i);
  check('a user, role, channel or command mention, or a custom emoji', /<(@[!&]?\d|#\d|\/\w|a?:\w|t:\d|id:)/);
  check('@everyone or @here', /@(everyone|here)/);
  check('a Discord invite', /discord(app)?\.(gg|com\/invite)/i);
  check('a code fence', /```/);
  // eslint-disable-next-line no-misleading-character-class -- U+034F, a combining mark, is listed on its own on purpose: it is one of the invisibles
  check('an invisible character other than the inserted zero-width space', /[\u00ad\u034f\u061c\u180e\u200c-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/);
  return found;
}
