/** The languages every client email template exists in. */
export const locales = ['en', 'de'] as const;
export type Locale = (typeof locales)[number];
