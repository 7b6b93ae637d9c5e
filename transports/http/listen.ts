import type { Server } from 'node:http';
import { startNodeServer } from './node-server.js';

/** The ready Node server on its port, with a listening failure said in one line (a taken port, a host that is not here). */
export async function listen(...args: Parameters<typeof startNodeServer>): Promise<Server> {
  const [, { port, host }] = args;
  try {
    return await startNodeServer(...args);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`port ${port} on ${host} is already in use: stop the other process or set PORT`);
    if (code === 'EADDRNOTAVAIL') throw new Error(`HOST ${host} is not an address of this machine`);
    if (code === 'EACCES')
      throw new Error(`port ${port} needs privileges this process does not have: set PORT above 1023`);
    throw error;
  }
}
