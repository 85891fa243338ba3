// A small, honest password strength estimate (not zxcvbn: its dictionaries would add about 800 kB to
// a popup-sized extension). It counts the bits of a password as if each character were drawn at
// random from the kinds of characters it uses (lower case, upper case, digits, symbols, other), but
// a character that repeats the previous one or continues a run (abc, 321) adds only one bit, and a
// password from a short list of the most common ones, or such a password with digits or symbols
// appended, scores as what it is. Dictionary words count as random letters, so the estimate is an
// upper bound; the options page says so. Pure: node tests call it.

// The start of well-known common-password lists (e.g. the SecLists 10k list), lower case.
const COMMON = new Set([
  'password', '123456', '12345678', 'qwerty', 'abc123', 'monkey', 'letmein', 'dragon', '111111',
  'baseball', 'iloveyou', 'trustno1', 'sunshine', 'master', 'welcome', 'shadow', 'ashley', 'football',
  'jesus', 'michael', 'ninja', 'mustang', 'password1', 'admin', 'qwertyuiop', 'azerty', 'wachtwoord',
  'geheim', 'welkom', 'passw0rd', 'p@ssw0rd', 'hello', 'secret', 'princess', 'starwars', 'whatever',
]);

function pool(password) {
  let size = 0;
  if (/[a-z]/.test(password)) size += 26;
  if (/[A-Z]/.test(password)) size += 26;
  if (/[0-9]/.test(password)) size += 10;
  if (/[ -/:-@[-`{-~]/.test(password)) size += 33;
  if (/[^\x20-\x7e]/u.test(password)) size += 100;
  return size;
}

/** { bits, level } with level 0 (very weak) to 4 (very strong). */
export function estimateStrength(password) {
  const chars = Array.from(typeof password === 'string' ? password : '');
  if (chars.length === 0) return { bits: 0, level: 0 };
  const lower = chars.join('').toLowerCase();
  const stem = lower.replace(/[^a-z]+$/, '');
  let bits;
  if (COMMON.has(lower) || COMMON.has(stem)) {
    // Among the first ~10,000 guesses of any attacker, plus a few bits per appended character.
    bits = Math.log2(10_000) + 3.3 * (chars.length - stem.length) * (COMMON.has(lower) ? 0 : 1);
  } else {
    const perChar = Math.log2(pool(chars.join('')));
    bits = 0;
    for (let i = 0; i < chars.length; i++) {
      const here = chars[i].codePointAt(0);
      const previous = i > 0 ? chars[i - 1].codePointAt(0) : null;
      const before = i > 1 ? chars[i - 2].codePointAt(0) : null;
      const repeat = here === previous;
      const run = previous !== null && before !== null && here - previous === previous - before && Math.abs(here - previous) === 1;
      bits += repeat || run ? 1 : perChar;
    }
  }
  bits = Math.round(bits);
  const level = bits < 28 ? 0 : bits < 36 ? 1 : bits < 60 ? 2 : bits < 80 ? 3 : 4;
  return { bits, level };
}
