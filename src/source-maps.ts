/**
 * Loaded first by every command the project runs (`node --import ./build/source-maps.js ...`):
 * stack traces of the project's own compiled files point at their src/ lines.
 *
 * The project's maps only. `--enable-source-maps`, used before, also parsed the map of every
 * dependency that ships one (11 MB of map files in the API, most of them Sentry's), which held
 * 15-20 MB of the API's memory for frames Sentry marks as outside the app anyway (measured:
 * docs/benchmarks.md). Only files loaded after this module get their map: it must stay first.
 */
import module from 'node:module';

module.setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
