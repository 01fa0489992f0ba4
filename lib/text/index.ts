// Text that the web app, the API and the actions show to people.
export { plural, pluralWord } from "./plural";
