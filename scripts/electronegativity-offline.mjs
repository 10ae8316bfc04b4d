/**
 * Preloaded into Electronegativity (scripts/electronegativity.mjs). At start it fetches its translations
 * with got 11 from S3; its English texts are bundled, so the fetch only matters online. Offline, on Node 24,
 * got's retry of that fetch throws from a timer ("The `onCancel` handler was attached after the promise
 * settled") and ends the scan. Its locale loader is given a fetch that fails at once (it then keeps the
 * bundled English, as it does whenever the fetch fails); nothing else in the scanner is touched.
 */
import Module from 'node:module';

const load = Module._load;
Module._load = function loadWithoutTranslationFetch(request, parent, isMain) {
  if (request === 'got' && parent && /electronegativity[\\/]dist[\\/]locales[\\/]/.test(parent.filename)) {
    return () => Promise.reject(new Error('translations are not fetched (the bundled English is used)'));
  }
  return load.call(this, request, parent, isMain);
};
