// A shared execution link that does not open reads as a shared run link that does not.
export { default } from "@/app/r/[token]/not-found";
