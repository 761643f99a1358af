import { PolicyPack } from "@pulumi/policy";
import { packDescription, packEnforcementLevel, packName, policies } from "./policies";

new PolicyPack(packName, { policies, enforcementLevel: packEnforcementLevel, description: packDescription });
