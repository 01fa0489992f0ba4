// Counted nouns in English ("1 pod", "2 pods", "1,200 pods"), chosen by Intl.PluralRules
// rather than by "(s)" or a hand-written `n === 1` at each place.
const rules = new Intl.PluralRules("en");

/** The count and the noun in the form the count needs: plural(1, "pod") is "1 pod". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString("en")} ${pluralWord(count, singular, pluralForm)}`;
}

/** Only the noun, in the form the count needs: pluralWord(3, "replica") is "replicas". */
export function pluralWord(count: number, singular: string, pluralForm = `${singular}s`): string {
  return rules.select(count) === "one" ? singular : pluralForm;
}
