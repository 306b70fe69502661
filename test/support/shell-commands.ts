/**
 * The simple commands of a POSIX shell script, as argv arrays, for checking the commands the docs
 * tell users to run. Enough of the shell's word rules for that: single and double quotes,
 * backslashes, line continuations, comments, `;` `&&` `||` `|` `&` and newlines between
 * commands, redirections (their targets are not arguments), here-documents, and the commands
 * inside `$( … )` and backquotes, which are returned too. Expansions (`$VAR`, `${{ … }}`) are
 * kept as written: a word holding one is not a literal value, and is never a flag we check.
 */

export function simpleCommands(script: string): string[][] {
  const commands: string[][] = [];
  let argv: string[] = [];
  let word: string | undefined;
  let skipNextWord = false;
  const heredocs: string[] = [];
  let i = 0;

  const endWord = () => {
    if (word === undefined) return;
    if (skipNextWord) skipNextWord = false;
    else argv.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (argv.length > 0) commands.push(argv);
    argv = [];
  };
  const append = (text: string) => {
    word = (word ?? "") + text;
  };
  /** `$(` at `start`: the index after its matching `)`; its commands are collected too. */
  const substitution = (start: number): number => {
    let depth = 1;
    let j = start;
    let quote: string | undefined;
    while (j < script.length && depth > 0) {
      const c = script[j];
      if (quote !== undefined) {
        if (c === "\\" && quote === '"') j += 1;
        else if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === "\\") j += 1;
      else if (c === "(") depth += 1;
      else if (c === ")") depth -= 1;
      j += 1;
    }
    commands.push(...simpleCommands(script.slice(start, j - 1)));
    return j;
  };

  while (i < script.length) {
    const c = script[i] ?? "";
    const next = script[i + 1] ?? "";
    if (c === "\\" && next === "\n") {
      i += 2;
    } else if (c === "\\") {
      append(next);
      i += 2;
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${script}`);
      append(script.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let text = "";
      while (j < script.length && script[j] !== '"') {
        if (script[j] === "\\" && /["\\$`\n]/.test(script[j + 1] ?? "")) {
          if (script[j + 1] !== "\n") text += script[j + 1];
          j += 2;
        } else if (script[j] === "$" && script[j + 1] === "(") {
          const end = substitution(j + 2);
          text += script.slice(j, end);
          j = end;
        } else {
          text += script[j];
          j += 1;
        }
      }
      if (j >= script.length) throw new Error(`unterminated " in: ${script}`);
      append(text);
      i = j + 1;
    } else if (c === "$" && next === "(") {
      const end = substitution(i + 2);
      append(script.slice(i, end));
      i = end;
    } else if (c === "`") {
      const end = script.indexOf("`", i + 1);
      if (end < 0) throw new Error(`unterminated \` in: ${script}`);
      commands.push(...simpleCommands(script.slice(i + 1, end)));
      append(script.slice(i, end + 1));
      i = end + 1;
    } else if (c === "#" && word === undefined) {
      while (i < script.length && script[i] !== "\n") i += 1;
    } else if (c === " " || c === "\t") {
      endWord();
      i += 1;
    } else if (c === "\n") {
      endCommand();
      i += 1;
      // Here-document bodies start on the next line and end at their delimiter line.
      for (const delimiter of heredocs.splice(0)) {
        while (i < script.length) {
          const lf = script.indexOf("\n", i);
          const line = script.slice(i, lf < 0 ? undefined : lf);
          i = lf < 0 ? script.length : lf + 1;
          if (line.replace(/^\t+/, "") === delimiter) break;
        }
      }
    } else if (";&|()".includes(c)) {
      endCommand();
      i += 1;
    } else if (c === ">" || c === "<") {
      // A file descriptor number written before the operator belongs to it, not to argv.
      if (word !== undefined && /^\d+$/.test(word)) word = undefined;
      endWord();
      let op = "";
      while (i < script.length && "<>&".includes(script[i] ?? "")) {
        op += script[i];
        i += 1;
      }
      if (op === "<<" || op === "<<-") {
        while (script[i] === " ") i += 1;
        const match = /^(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(script.slice(i));
        if (match === null) throw new Error(`unreadable here-document in: ${script}`);
        heredocs.push(match[2] ?? "");
        i += match[0].length;
      } else {
        // The target: a file, a descriptor (`>&2`), or a here-string's word (`<<<`).
        skipNextWord = true;
      }
    } else {
      append(c);
      i += 1;
    }
  }
  endCommand();
  return commands;
}

/** Leading `NAME=value` assignments and wrappers that run the next word as the command. */
export function commandWords(argv: readonly string[]): string[] {
  let start = 0;
  while (start < argv.length) {
    const arg = argv[start] ?? "";
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(arg) || ["sudo", "exec", "command", "env"].includes(arg))
      start += 1;
    else break;
  }
  return argv.slice(start);
}
