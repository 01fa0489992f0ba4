import { ZxcvbnFactory, type ZxcvbnResult } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary as commonWords } from "@zxcvbn-ts/language-common";
import { dictionary as englishWords, translations } from "@zxcvbn-ts/language-en";

// zxcvbn scores 0-4 by the guesses an attacker needs; 3 is "safely unguessable: moderate
// protection from an offline slow-hash scenario" (about 10^10 guesses), its authors' advice
// for a password that guards something of value.
export const MIN_PASSWORD_SCORE = 3;

// Only the start of a long password is estimated: the estimator's time grows with the length,
// and 64 characters that pass are strong whatever follows.
const ESTIMATED_LENGTH = 64;

let estimator: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    translations,
    graphs: adjacencyGraphs,
    dictionary: { ...commonWords, ...englishWords },
    // Off: near-miss matching made one check of "12345678" cost seconds of CPU, a gift to
    // anyone who posts sign-up forms in a loop; exact, l33t and reversed matches stay.
    useLevenshteinDistance: false,
  });
  return estimator;
}

/** Words a guesser who knows the person and the site would try first. */
function contextWords(context: { email?: string; name?: string }): string[] {
  const words = new Set<string>(["pystol", "pystol.io", "chaos", "kubernetes", "k8s"]);
  const email = context.email?.trim().toLowerCase();
  if (email) {
    words.add(email);
    const [local, domain] = email.split("@");
    if (local) words.add(local);
    for (const part of [...(local?.split(/[._+-]+/) ?? []), ...(domain?.split(".") ?? [])])
      if (part.length >= 3) words.add(part);
  }
  for (const part of context.name?.trim().toLowerCase().split(/\s+/) ?? []) if (part.length >= 2) words.add(part);
  return [...words];
}

function usesContext(result: ZxcvbnResult): boolean {
  return result.sequence.some((m) => m.pattern === "dictionary" && m.dictionaryName === "userInputs");
}

/**
 * Why a password is too easy to guess, as a sentence that says what to do instead; null when
 * it is strong enough. `context` (the person's email and name) counts as known to a guesser.
 */
export function passwordWeakness(password: string, context: { email?: string; name?: string } = {}): string | null {
  const result = zxcvbn().check(password.slice(0, ESTIMATED_LENGTH), contextWords(context));
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const advice = "Use a longer password, such as three or four unrelated words.";
  if (usesContext(result))
    return `This password is built from your name, your email address or this site's name, which anyone can guess. ${advice}`;
  const warning = result.feedback.warning?.replace(/\.$/, "");
  return warning
    ? `This password is too easy to guess: ${warning.charAt(0).toLowerCase()}${warning.slice(1)}. ${advice}`
    : `This password is too easy to guess. ${advice}`;
}
