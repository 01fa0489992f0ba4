// Reading a secret: from a terminal without showing it (as sudo, ssh and gh do), or from
// standard input when it is a pipe or a file (a script: echo "$TOKEN" | pystol login …).

/** The first line of standard input, typed at a terminal with echo off, or read from a pipe. */
export function readSecret(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  return input.isTTY ? readHidden(prompt, input, output) : readFirstLine(input);
}

function readFirstLine(input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const done = () => {
      input.off("data", onData);
      input.off("end", done);
      input.off("error", reject);
      input.pause();
      resolve((text.split(/\r?\n/)[0] ?? "").trim());
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (/\r?\n/.test(text)) done();
    };
    input.on("data", onData);
    input.on("end", done);
    input.on("error", reject);
  });
}

function readHidden(prompt: string, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    // Raw mode turns the terminal's echo (and its line editing) off: nothing typed is shown. It
    // goes first: a token pasted the moment the prompt appears must already find echo off.
    input.setRawMode(true);
    output.write(prompt);
    input.resume();
    const finish = (err?: Error) => {
      input.setRawMode(false);
      input.off("data", onData);
      input.pause();
      output.write("\n");
      if (err) reject(err);
      else resolve(text.trim());
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return finish();
        if (ch === "\u0003") return finish(new Interrupted());
        if (ch === "\u007f" || ch === "\b") text = text.slice(0, -1);
        else if (ch >= " ") text += ch;
      }
    };
    input.on("data", onData);
  });
}

/** Ctrl-C at the prompt. */
export class Interrupted extends Error {
  constructor() {
    super("interrupted");
  }
}
