/** IAM policy documents as drctl generates them: Allow statements only, fields in the order IAM shows them. */

export type IamCondition = Record<string, Record<string, string | string[]>>;

export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: IamCondition;
}

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

export interface IamTrustStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: { AWS: string };
  Action: 'sts:AssumeRole';
  Condition?: IamCondition;
}

export interface IamTrustPolicyDocument {
  Version: '2012-10-17';
  Statement: IamTrustStatement[];
}

/** What one account needs: the permissions policy of the role drctl uses there, and that role's trust policy. */
export interface AccountIamPolicy {
  /** The runbook's name for the account. */
  account: string;
  accountId: string;
  /** The role drctl assumes (accounts.<name>.roleArn); absent when drctl uses the base credentials directly. */
  roleArn?: string;
  policy: IamPolicyDocument;
  trustPolicy: IamTrustPolicyDocument;
  /** Things a person must do or check (placeholders to edit, uncertain dependencies included). */
  notes: string[];
}

/** One permission need of one call, before statements are merged. */
export interface IamGrant {
  actions: string[];
  resources: string[];
  condition?: IamCondition;
}
