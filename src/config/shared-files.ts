// Reads ~/.aws/config and ~/.aws/credentials by the rules of the AWS SDK for
// JavaScript's loader (loadSharedConfigFiles in @smithy/core), which every
// AWS tool mfa-env sits beside agrees with. Here rather than imported: that
// loader comes with the rest of @smithy/core's config code (~100 KB on every
// cached run, plus node:fs/promises), and it is thirty lines.
import { readUserFile } from '../fs/read-file.js';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type IniSection = Record<string, string>;
export type IniFile = Record<string, IniSection>;

/** The section kinds written `[kind name]`; any other `[word name]` is ignored. */
const PREFIXED = new Set(['profile', 'sso-session', 'services']);
const PREFIXED_NAME = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/;

/**
 * Sections by name: `[profile dev]` is `profile.dev`, `[dev]` is `dev`. A
 * section with no keys is absent. `key =` with nothing after it opens a
 * sub-section: the indented `sub = value` lines under it are `key.sub`.
 * Text after `#` or `;` at the start or after a blank is a comment. Throws on
 * `[__proto__]`.
 */
export function parseIni(text: string): IniFile {
  const map: IniFile = Object.create(null); // a section named toString is not Object.prototype's
  let section: string | undefined;
  let subSection: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.split(/(^|\s)[;#]/)[0]!.trim();
    if (line.startsWith('[') && line.endsWith(']')) {
      const name = line.slice(1, -1);
      if (name === '__proto__' || name === 'profile __proto__') throw new Error(`Found invalid profile name "${name}"`);
      const m = PREFIXED_NAME.exec(name);
      section = !m ? name : PREFIXED.has(m[1]!) ? `${m[1]}.${m[3]}` : undefined;
      subSection = undefined;
      continue;
    }
    if (section === undefined) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (value === '') {
      subSection = key;
      continue;
    }
    if (subSection !== undefined && raw.trimStart() === raw) subSection = undefined;
    (map[section] ??= Object.create(null) as IniSection)[subSection !== undefined ? `${subSection}.${key}` : key] =
      value;
  }
  return map;
}

/**
 * The config file's profiles by bare name (`profile.dev` is `dev`; a
 * `[profile default]` wins over `[default]`), its other prefixed sections
 * (`sso-session.x`, `services.x`) as they are; unprefixed sections other than
 * `default` are not profiles there.
 */
function configProfiles(sections: IniFile): IniFile {
  const out: IniFile = Object.create(null);
  if (sections.default) out.default = sections.default;
  for (const [name, section] of Object.entries(sections)) {
    const dot = name.indexOf('.');
    if (dot === -1 || !PREFIXED.has(name.slice(0, dot))) continue;
    out[name.startsWith('profile.') ? name.slice(dot + 1) : name] = section;
  }
  return out;
}

/** A file that cannot be read or parsed counts as empty, as for the SDK (callers say why when it matters). */
function readIni(path: string): IniFile {
  try {
    return parseIni(readUserFile(path.startsWith('~/') ? join(homedir(), path.slice(2)) : path).toString('utf8'));
  } catch {
    return {};
  }
}

export function readSharedFiles(
  credentialsPath: string,
  configPath: string,
): { configFile: IniFile; credentialsFile: IniFile } {
  return { configFile: configProfiles(readIni(configPath)), credentialsFile: readIni(credentialsPath) };
}
