/** Azure Storage: the data account of a project (DataStorage). */
export * from "./data-storage";
export * from "./blob-files";
