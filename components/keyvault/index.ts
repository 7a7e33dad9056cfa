/** Azure Key Vault in RBAC mode (SecretVault). */
export * from "./secret-vault";
