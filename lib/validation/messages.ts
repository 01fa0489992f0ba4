import { z } from "zod";

// The words people read when input is refused. zod's own texts ("Too big: expected number to
// be <=10000") are for programmers; every schema in this service gets these sentences instead,
// through zod's global error map, unless the schema says something more specific itself.

type RawIssue = Parameters<NonNullable<z.core.$ZodConfig["customError"]>>[0];

const plural = (n: number | bigint, one: string, many = `${one}s`) => `${n} ${Number(n) === 1 ? one : many}`;

const FORMATS: Record<string, string> = {
  email: "an e-mail address such as ada@example.com",
  url: "a web address such as https://example.com",
  uuid: "an id in the form of a UUID",
  datetime: "a date and time",
  date: "a date",
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
};

function typeSentence(expected: string, input: unknown): string {
  if (input === undefined || input === null || input === "") return "This field is required.";
  switch (expected) {
    case "int":
      return "Enter a whole number.";
    case "number":
      return "Enter a number.";
    case "string":
      return "Enter text.";
    case "boolean":
      return "Choose yes or no.";
    case "array":
      return "Give a list.";
    case "object":
      return "Give an object with named fields.";
    default:
      return "This value is not of the expected kind.";
  }
}

function bound(iss: RawIssue & { code: "too_big" | "too_small" }): string {
  const big = iss.code === "too_big";
  const limit = big ? iss.maximum : iss.minimum;
  const exact = iss.exact === true;
  switch (iss.origin) {
    case "string":
      if (!big && Number(limit) <= 1) return "This field is required.";
      return `Use ${exact ? "exactly" : big ? "at most" : "at least"} ${plural(limit, "character")}.`;
    case "array":
    case "set":
      if (!big && Number(limit) <= 1) return "Give at least one item.";
      return `Give ${exact ? "exactly" : big ? "at most" : "at least"} ${plural(limit, "item")}.`;
    case "date":
      return big ? "Choose an earlier date." : "Choose a later date.";
    default: {
      const n = limit.toString();
      if (big) return iss.inclusive === false ? `Enter a number below ${n}.` : `Enter a number no larger than ${n}.`;
      return iss.inclusive === false ? `Enter a number above ${n}.` : `Enter a number of at least ${n}.`;
    }
  }
}

/** The sentence for one raw zod issue (zod's global error map). */
export function issueSentence(iss: RawIssue): string {
  switch (iss.code) {
    case "invalid_type":
      return typeSentence(String(iss.expected), iss.input);
    case "too_big":
    case "too_small":
      return bound(iss);
    case "invalid_format":
      if (iss.format === "regex") return "This value is not in the expected form.";
      return `Enter ${FORMATS[iss.format] ?? `a valid ${iss.format}`}.`;
    case "not_multiple_of":
      return `Enter a multiple of ${iss.divisor.toString()}.`;
    case "invalid_value":
      return iss.values.length === 1
        ? `The only accepted value is ${String(iss.values[0])}.`
        : `Choose one of: ${iss.values.map(String).join(", ")}.`;
    case "unrecognized_keys":
      return `Unknown ${iss.keys.length === 1 ? "field" : "fields"}: ${iss.keys.join(", ")}.`;
    default:
      return "This value is not valid.";
  }
}

z.config({ customError: issueSentence });
