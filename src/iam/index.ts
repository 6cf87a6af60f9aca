/** Least-privilege IAM for drctl, derived from the step kinds' declared calls (see policy.ts). */
export { planIamPolicies, renderStatements, BASE_ACCOUNT_PLACEHOLDER, type IamPlanOptions } from './policy.js';
export { collectPlannedCalls, IAM_VARIANTS, type CollectedCall } from './collect.js';
export { grantsForCall, rolesPassedBy, scopeResource, UnknownOperationError } from './grants.js';
export { isCoveredBy, type CoverageOptions } from './coverage.js';
export type { AccountIamPolicy, IamPolicyDocument, IamStatement, IamTrustPolicyDocument, IamGrant, IamCondition } from './types.js';
