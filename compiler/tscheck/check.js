// sandkit's type checker: sandkit's own script, run by Node under its
// permission model (read-only) with the TypeScript sandkit pins. For each
// line "check" on stdin it type-checks the app's tsconfig.json project and
// prints one JSON line {"diagnostics": [...], "ms": N}. Unchanged files keep
// their parsed source and their diagnostics between checks (a builder
// program), so a check after one edit re-checks only what the edit touches.
'use strict';
const path = require('path');
const readline = require('readline');
const ts = require(process.argv[2]);
const configPath = path.resolve(process.argv[3]);

const cache = new Map(); // file name -> {mtime, sourceFile}
let old;

function mtime(f) {
  const t = ts.sys.getModifiedTime && ts.sys.getModifiedTime(f);
  return t ? t.getTime() : -1;
}

function check() {
  const start = Date.now();
  const diagnostics = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => diagnostics.push(d),
  });
  if (!parsed) return report(diagnostics, start);
  diagnostics.push(...parsed.errors);
  const host = ts.createIncrementalCompilerHost(parsed.options, ts.sys);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const m = mtime(fileName);
    const hit = cache.get(fileName);
    if (hit && hit.mtime === m && m !== -1) return hit.sourceFile;
    const sf = getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
    if (sf) cache.set(fileName, { mtime: m, sourceFile: sf });
    return sf;
  };
  const program = ts.createSemanticDiagnosticsBuilderProgram(parsed.fileNames, parsed.options, host, old, parsed.errors);
  old = program;
  diagnostics.push(...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics());
  return report(diagnostics, start);
}

function report(diagnostics, start) {
  const out = [];
  for (const d of diagnostics) {
    const item = { code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
    if (d.file && d.start !== undefined) {
      const p = d.file.getLineAndCharacterOfPosition(d.start);
      item.file = d.file.fileName;
      item.line = p.line + 1;
      item.column = p.character + 1;
      item.lineText = d.file.text.split('\n')[p.line] || '';
    }
    out.push(item);
  }
  process.stdout.write(JSON.stringify({ diagnostics: out, ms: Date.now() - start }) + '\n');
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'check') return;
  try {
    check();
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e && e.stack || e) }) + '\n');
  }
});
