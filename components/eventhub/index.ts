/** Azure Event Hubs: a namespace with one event hub, its consumer group and checkpoint container (EventStream). */
export * from "./event-stream";
export * from "./event-stream-args";
