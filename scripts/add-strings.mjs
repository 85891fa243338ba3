// Adds or replaces messages in _locales/en and _locales/nl in one step, so that both stay complete
// (a test fails when their keys differ) and parallel edits of the two large files stay short.
//
//   node scripts/add-strings.mjs strings.json
//
// strings.json: { "key": { "en": "English", "nl": "Nederlands", "description"?: "…",
//                          "placeholders"?: { "name": { "content": "$1" } } }, … }
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: add-strings.mjs strings.json');
  process.exit(2);
}
const additions = JSON.parse(fs.readFileSync(file, 'utf8'));
for (const [key, entry] of Object.entries(additions)) {
  if (!/^[A-Za-z0-9_]+$/.test(key)) throw new Error(`bad message name: ${key}`);
  if (typeof entry.en !== 'string' || typeof entry.nl !== 'string') throw new Error(`${key} needs en and nl`);
}
for (const lang of ['en', 'nl']) {
  const target = path.join(root, '_locales', lang, 'messages.json');
  const messages = JSON.parse(fs.readFileSync(target, 'utf8'));
  for (const [key, entry] of Object.entries(additions)) {
    const message = { message: entry[lang] };
    if (lang === 'en' && entry.description) message.description = entry.description;
    if (entry.placeholders) message.placeholders = entry.placeholders;
    messages[key] = message;
  }
  fs.writeFileSync(target, `${JSON.stringify(messages, null, 2)}\n`);
}
console.log(`${Object.keys(additions).length} messages written to _locales/en and _locales/nl`);
