// Worker-thread entry of lib/parallel/createWorkerPool.ts. Plain JavaScript because worker
// threads start without the TypeScript loader: it registers tsx, then requires the task module
// (TypeScript) named in workerData and serves `run` messages one at a time.
'use strict';
require('tsx/cjs');
const { parentPort, workerData } = require('worker_threads');

function serialiseError(err) {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err), stack: undefined };
}

async function start() {
  let handler;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(workerData.modulePath);
    const factory = mod[workerData.exportName];
    if (typeof factory !== 'function') {
      throw new Error(`${workerData.modulePath} exports no function "${workerData.exportName}"`);
    }
    handler = await factory(workerData.init, { workerIndex: workerData.workerIndex });
    if (!handler || typeof handler.run !== 'function') {
      throw new Error(`${workerData.exportName} must return { run(item), close?() }`);
    }
  } catch (err) {
    parentPort.postMessage({ type: 'init-error', error: serialiseError(err) });
    return;
  }
  // Items are processed strictly one after the other (one backend per worker).
  let queue = Promise.resolve();
  parentPort.on('message', (msg) => {
    queue = queue.then(async () => {
      if (msg.type === 'run') {
        try {
          const out = await handler.run(msg.item);
          const result = out && out.__transfer ? out.value : out;
          const transfer = out && out.__transfer ? out.__transfer : [];
          parentPort.postMessage({ type: 'result', id: msg.id, result }, transfer);
        } catch (err) {
          parentPort.postMessage({ type: 'error', id: msg.id, error: serialiseError(err) });
        }
      } else if (msg.type === 'close') {
        try {
          if (typeof handler.close === 'function') await handler.close();
        } finally {
          parentPort.postMessage({ type: 'closed' });
          parentPort.close();
        }
      }
    });
  });
  parentPort.postMessage({ type: 'ready' });
}

start();
