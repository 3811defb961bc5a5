// Module hooks that let a child process run this project's TypeScript
// directly: `.js` specifiers written for NodeNext resolve to the `.ts`
// source beside them, and `.ts` files are transpiled (types erased only).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export async function resolve(specifier, context, nextResolve) {
  const fromTs = context.parentURL?.endsWith('.ts') ?? false;
  if (fromTs && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const source = new URL(specifier.replace(/\.js$/, '.ts'),
      context.parentURL);
    if (existsSync(fileURLToPath(source))) {
      return { url: source.href, format: 'module', shortCircuit: true };
    }
  }

  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);

  const path = fileURLToPath(url);
  const output = ts.transpileModule(await readFile(path, 'utf8'), {
    fileName: path,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
    },
  });

  return { format: 'module', source: output.outputText, shortCircuit: true };
}
