/** Entry point of the `ringkv` command (bin/ringkv.js imports the compiled module). */
import { reportError } from './cli-error.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err, (line) => process.stderr.write(`${line}\n`));
}
