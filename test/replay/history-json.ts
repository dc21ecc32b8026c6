// Histories as plain JSON files (64-bit numbers as strings, enums by name, payload bytes base64),
// through @temporalio/proto's own message class.
import proto from '@temporalio/proto';

const { History } = proto.temporal.api.history.v1;
export type History = proto.temporal.api.history.v1.History;

export function historyToJson(history: proto.temporal.api.history.v1.IHistory): string {
  const message = History.fromObject(history as Record<string, unknown>);
  return JSON.stringify(History.toObject(message, { longs: String, enums: String, bytes: String, defaults: false }), null, 1);
}

export function historyFromJson(json: string): History {
  return History.fromObject(JSON.parse(json) as Record<string, unknown>);
}
