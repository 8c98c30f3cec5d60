/** Decoded protobuf messages compared as a reader sees them, for the stream codec tests. */
import type protobuf from 'protobufjs';
import { PROTO_LOADER_OPTIONS } from '../../src/proto/options.js';
import { protoRoot } from '../../src/proto/stream-codec.js';

/** What @grpc/proto-loader's own serializer and deserializer make of a message. */
export function viaLoader(typeName: string, message: object): unknown {
  const type = protoRoot().lookupType(typeName);
  const bytes = type.encode(type.fromObject(message)).finish();
  return type.toObject(type.decode(bytes), PROTO_LOADER_OPTIONS as protobuf.IConversionOptions);
}

/**
 * Everything a reader can see on a decoded message: each field (own or the prototype's default),
 * each oneof's name, recursively, as a plain object; unset oneof members are left out, as
 * toObject leaves them out.
 */
export function visible(value: unknown, type: protobuf.Type): unknown {
  if (value === null || value === undefined) return value;
  const m = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const oneof of type.oneofsArray) {
    const name = m[oneof.name];
    if (name !== undefined) out[oneof.name] = name;
  }
  for (const field of type.fieldsArray) {
    const v = m[field.name];
    if (field.partOf !== null && (v === null || v === undefined)) continue;
    const sub = field.resolvedType;
    if (sub !== null && 'fieldsArray' in sub) {
      out[field.name] = field.repeated
        ? (v as unknown[]).map((x) => visible(x, sub as protobuf.Type))
        : visible(v, sub as protobuf.Type);
    } else {
      out[field.name] = field.repeated ? [...(v as unknown[])] : v;
    }
  }
  return out;
}
