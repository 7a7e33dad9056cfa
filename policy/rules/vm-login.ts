/**
 * Virtual machines sign in with SSH keys only. A password on a VM reachable
 * over SSH can be guessed; a Linux VM accepts passwords unless
 * `linuxConfiguration.disablePasswordAuthentication` is true ("Detailed steps:
 * create and manage SSH keys", https://learn.microsoft.com/azure/virtual-machines/linux/create-ssh-keys-detailed;
 * the property: https://learn.microsoft.com/azure/templates/microsoft.compute/virtualmachines#linuxconfiguration).
 * The learning paths run Linux Data Science VMs; a Windows VM, which always
 * takes an admin password, is refused too and needs this rule disabled.
 *
 * References: Checkov CKV_AZURE_1 and CKV_AZURE_149
 * (checkov/arm/checks/resource/AzureInstancePassword.py and
 * VMDisablePasswordAuthentication.py, https://github.com/bridgecrewio/checkov);
 * PSRule for Azure Azure.VM.PublicKey
 * (https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.VM.PublicKey/).
 */
import { PolicyRule, describeResource, isObject, validateType } from "./rule";

const VIRTUAL_MACHINE = "azure-native:compute:VirtualMachine";

export const vmNoPasswordLogin: PolicyRule = {
    name: "vm-no-password-login",
    description: "Virtual machines must not accept password sign-in; use SSH keys.",
    enforcementLevel: "mandatory",
    references: { checkov: ["CKV_AZURE_1", "CKV_AZURE_149"], psrule: ["Azure.VM.PublicKey"] },
    validateResource: validateType(VIRTUAL_MACHINE, (props, args, reportViolation) => {
        const osProfile = props.osProfile;
        // A VM attached to an existing disk has no OS profile: nothing to sign in with is set here.
        if (!isObject(osProfile)) return;
        if (typeof osProfile.adminPassword === "string" && osProfile.adminPassword.length > 0) {
            reportViolation(
                `${describeResource(args)} sets osProfile.adminPassword; give it an SSH public key instead.`,
            );
        }
        const linux = osProfile.linuxConfiguration;
        if (isObject(linux) && linux.disablePasswordAuthentication !== true) {
            reportViolation(
                `${describeResource(args)} does not set osProfile.linuxConfiguration.disablePasswordAuthentication ` +
                    "to true, so its Linux sign-in accepts passwords.",
            );
        }
    }),
};
