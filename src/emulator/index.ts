export { createEmulator, isLoopbackHost } from "./server.js";
export type {
  EmulatedService,
  Emulator,
  EmulatorOptions,
  EmulatorUser,
  ErrorFault,
  Fault,
  RecordedRequest,
  TransportFault,
} from "./types.js";
