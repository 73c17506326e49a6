/// <reference types="vite/client" />
// The consoles' languages: Simplified Chinese and English, chosen from the browser's languages
// until the person picks one with the switch in the top bar (remembered in localStorage).
//
// Messages live in locales/<language>/<namespace>.ts, one namespace per screen family; every
// file there is picked up by the glob below, so a new namespace is one new file per language.
import i18next, { type i18n as I18n } from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next, useTranslation } from 'react-i18next';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const FALLBACK_LANGUAGE: Language = 'en';
/** Where the person's own choice is kept; nothing is stored until they choose. */
export const LANGUAGE_STORAGE_KEY = 'handoff.language';

/** Each language's name in itself, so a person who cannot read the other one still finds theirs. */
export const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文（简体）', en: 'English' };

/**
 * The shape a translation must have: the same keys as the English file, any strings. Writing
 * `const zh: Catalogue<typeof en> = {...}` makes the type checker name a key one language lacks.
 */
export type Catalogue<T> = { readonly [K in keyof T]: T[K] extends string ? string : Catalogue<T[K]> };

type Messages = { readonly [key: string]: string | Messages };

const files = import.meta.glob<{ default: Messages }>('./locales/*/*.ts', { eager: true });

function resourcesOf(found: Record<string, { default: Messages }>): Record<string, Record<string, Messages>> {
  const resources: Record<string, Record<string, Messages>> = {};
  for (const [file, module] of Object.entries(found)) {
    const match = /\.\/locales\/([^/]+)\/([^/]+)\.ts$/.exec(file);
    if (!match) continue;
    const [, language, namespace] = match as unknown as [string, string, string];
    (resources[language] ??= {})[namespace] = module.default;
  }
  return resources;
}

/** Any Chinese the browser offers reads the Simplified catalogue; any English the English one. */
export function supportedLanguage(code: string | undefined | null): Language | undefined {
  const lower = (code ?? '').toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return undefined;
}

const resources = resourcesOf(files);

void i18next
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources,
    supportedLngs: [...LANGUAGES],
    fallbackLng: FALLBACK_LANGUAGE,
    // `zh-CN` is a catalogue of its own; there is no `zh` to climb to.
    load: 'currentOnly',
    ns: Object.keys(resources[FALLBACK_LANGUAGE] ?? { common: {} }),
    defaultNS: 'common',
    fallbackNS: 'common',
    initAsync: false,
    interpolation: { escapeValue: false }, // React escapes what it renders
    returnNull: false,
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: LANGUAGE_STORAGE_KEY,
      // Only the switch persists a choice: a detected language must follow the browser's.
      caches: [],
      convertDetectedLanguage: (code: string) => supportedLanguage(code) ?? code,
    },
    react: { useSuspense: false },
  });

function reflectInDocument(language: string): void {
  // Screen readers and the font fallback (CJK glyph shapes) read the page's language.
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}
reflectInDocument(currentLanguage());
i18next.on('languageChanged', reflectInDocument);

export const i18n: I18n = i18next;

/** The language the page shows now: one of LANGUAGES. */
export function currentLanguage(): Language {
  return supportedLanguage(i18next.resolvedLanguage ?? i18next.language) ?? FALLBACK_LANGUAGE;
}

/** The switch: shows the page in `language` and remembers the choice for the next visit. */
export async function chooseLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Private modes may refuse storage; the choice then lasts for this page only.
  }
  await i18next.changeLanguage(language);
}

/** Headers for a request whose refusal a person will read: the services answer in this language. */
export function languageHeaders(): Record<string, string> {
  return { 'accept-language': currentLanguage() };
}

/** Dates, times and numbers written the way the current language writes them. */
export interface LocaleFormat {
  readonly language: Language;
  /** "5 Dec 2026, 09:30" / "2026年12月5日 09:30"; "—" for nothing or an unreadable date. */
  dateTime(value: string | number | Date | null | undefined, options?: Intl.DateTimeFormatOptions): string;
  date(value: string | number | Date | null | undefined, options?: Intl.DateTimeFormatOptions): string;
  time(value: string | number | Date | null | undefined, options?: Intl.DateTimeFormatOptions): string;
  number(value: number | null | undefined, options?: Intl.NumberFormatOptions): string;
  /** A ratio (0.93) as a percentage ("93.0%"). */
  percent(ratio: number | null | undefined, digits?: number): string;
}

const NOTHING = '—';

function toDate(value: string | number | Date | null | undefined): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function localeFormat(language: Language = currentLanguage()): LocaleFormat {
  const dated = (defaults: Intl.DateTimeFormatOptions) => (value: string | number | Date | null | undefined, options?: Intl.DateTimeFormatOptions) => {
    const date = toDate(value);
    if (!date) return typeof value === 'string' && value ? value : NOTHING;
    return new Intl.DateTimeFormat(language, options ?? defaults).format(date);
  };
  return {
    language,
    dateTime: dated({ dateStyle: 'medium', timeStyle: 'short' }),
    date: dated({ dateStyle: 'medium' }),
    time: dated({ timeStyle: 'short' }),
    number: (value, options) => (value === null || value === undefined || Number.isNaN(value) ? NOTHING : new Intl.NumberFormat(language, options).format(value)),
    percent: (ratio, digits = 1) =>
      ratio === null || ratio === undefined || Number.isNaN(ratio)
        ? NOTHING
        : new Intl.NumberFormat(language, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ratio),
  };
}

/** The formatters of the language shown now; the component renders again when it changes. */
export function useLocaleFormat(): LocaleFormat {
  const { i18n: instance } = useTranslation();
  return localeFormat(supportedLanguage(instance.resolvedLanguage ?? instance.language) ?? FALLBACK_LANGUAGE);
}
