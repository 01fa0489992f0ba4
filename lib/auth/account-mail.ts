import type { Mail } from "@/lib/mail";
import { appOrigin } from "./callback-url";

// The texts of the mails about an account. Plain text, the link on a line of its own.

export function confirmationMail(to: string, name: string, link: string, keepsTrial = false): Mail {
  const what = keepsTrial ? "keep your Pystol trial under this address" : "finish creating your Pystol account";
  return {
    to,
    purpose: "email-verification",
    link,
    subject: keepsTrial ? "Confirm your email address to keep your Pystol trial" : "Confirm your email address for Pystol",
    text:
      `Hello ${name},\n\nOpen this link to confirm your email address and ${what}:\n\n${link}\n\n` +
      "The link works once, for 24 hours. If you did not ask for this, ignore this mail: nothing happens without the link.\n",
  };
}

export function accountExistsMail(to: string): Mail {
  const signIn = `${appOrigin()}/signin`;
  return {
    to,
    purpose: "account-exists",
    link: signIn,
    subject: "Someone tried to create a Pystol account with your address",
    text:
      "Hello,\n\nSomeone, perhaps you, tried to create a Pystol account with this email address, which already has one. " +
      `Nothing was changed.\n\nSign in:\n\n${signIn}\n\nForgot your password? Choose a new one:\n\n${appOrigin()}/forgot-password\n\n` +
      "If it was not you, you can ignore this mail.\n",
  };
}

export function passwordResetMail(to: string, name: string, link: string): Mail {
  return {
    to,
    purpose: "password-reset",
    link,
    subject: "Choose a new Pystol password",
    text:
      `Hello ${name},\n\nOpen this link to choose a new password for your Pystol account:\n\n${link}\n\n` +
      "The link works once, for one hour. Choosing a new password signs you out everywhere else. " +
      "If you did not ask for this, ignore this mail: your password stays as it is.\n",
  };
}
