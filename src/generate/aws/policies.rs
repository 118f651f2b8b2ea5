//! The least-privilege policies stackchef generates: one per image for the instances, one for
//! the Packer builder, one for the CI deployer. Every statement names the narrowest resource AWS
//! supports for its actions; the few that must use `"Resource": "*"` say why, and are limited by
//! a region condition where the API honours one.

use super::policy::{Policy, Statement, SubStr};
use crate::stack::{Image, Stack};

/// Tag key every stackchef-managed AWS resource carries, with the stack name as value. The
/// Packer templates put it on build instances, volumes, AMIs and snapshots (`run_tags`, `tags`,
/// `snapshot_tags`); this stack puts it on launch templates, Auto Scaling groups and instances.
pub const STACK_TAG: &str = "stackchef:stack";
/// Tag key naming the image a resource belongs to.
pub const IMAGE_TAG: &str = "stackchef:image";

/// The logical id of the hosted zone in the template (referenced by the instance policies).
pub const HOSTED_ZONE_ID: &str = "HostedZone";

fn ec2(kind: &str) -> SubStr {
    format!("arn:${{AWS::Partition}}:ec2:${{AWS::Region}}:${{AWS::AccountId}}:{kind}")
}

/// AMIs and snapshots have no account in their ARN.
fn ec2_no_account(kind: &str) -> SubStr {
    format!("arn:${{AWS::Partition}}:ec2:${{AWS::Region}}::{kind}")
}

fn this_region() -> Vec<SubStr> {
    vec!["${AWS::Region}".to_string()]
}

fn tagged(stack: &Stack) -> Vec<SubStr> {
    vec![stack.name.clone()]
}

const WHY_DESCRIBE: &str = "EC2 Describe calls support no resource-level permissions: AWS accepts only \"*\" for them. They are read-only and limited to this region.";

/// What the Packer `amazon-ebs` builder calls while baking an image: find the source AMI, launch
/// a tagged build instance with a temporary key pair and security group, stop it, create the
/// AMI, tag it, clean up. Mutating calls on instances are allowed only on instances carrying this
/// stack's tag, which Packer sets at launch (`run_tags`).
pub fn packer_builder(stack: &Stack) -> Policy {
    let statements = vec![
        Statement::any_resource(
            "PackerDescribe",
            &[
                "ec2:DescribeImages",
                "ec2:DescribeInstanceStatus",
                "ec2:DescribeInstances",
                "ec2:DescribeKeyPairs",
                "ec2:DescribeRegions",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSnapshots",
                "ec2:DescribeSubnets",
                "ec2:DescribeTags",
                "ec2:DescribeVolumes",
                "ec2:DescribeVpcs",
            ],
            WHY_DESCRIBE,
        )
        .when("StringEquals", "aws:RequestedRegion", this_region()),
        // IAM evaluates RunInstances on every resource of the launch (AMI, subnet, security
        // group, ...), and only the instance and its volumes carry request tags; so the allow
        // covers them all in this region and a deny guard refuses untagged instances.
        Statement::new(
            "PackerLaunch",
            &["ec2:RunInstances"],
            vec![
                ec2_no_account("image/*"),
                ec2("instance/*"),
                ec2("key-pair/*"),
                ec2("network-interface/*"),
                ec2("security-group/*"),
                ec2("subnet/*"),
                ec2("volume/*"),
            ],
        ),
        Statement::deny(
            "PackerLaunchOnlyTaggedInstances",
            &["ec2:RunInstances"],
            vec![ec2("instance/*")],
        )
        .when(
            "StringNotEquals",
            format!("aws:RequestTag/{STACK_TAG}"),
            tagged(stack),
        ),
        // Tags given in the creating call itself (TagSpecifications): the build instance and
        // its volumes, and, with newer Packer plugins, the temporary key pair and security group.
        Statement::new(
            "PackerTagAtCreation",
            &["ec2:CreateTags"],
            vec![
                ec2("instance/*"),
                ec2("key-pair/*"),
                ec2("security-group/*"),
                ec2("volume/*"),
            ],
        )
        .when(
            "StringEquals",
            "ec2:CreateAction",
            vec![
                "CreateKeyPair".to_string(),
                "CreateSecurityGroup".to_string(),
                "RunInstances".to_string(),
            ],
        ),
        Statement::new(
            "PackerManageOwnInstances",
            &[
                "ec2:ModifyInstanceAttribute",
                "ec2:StopInstances",
                "ec2:TerminateInstances",
            ],
            vec![ec2("instance/*")],
        )
        .when(
            "StringEquals",
            format!("aws:ResourceTag/{STACK_TAG}"),
            tagged(stack),
        ),
        // A new AMI and its snapshot have no tags yet when they are created and when Packer sets
        // the AMI's IMDSv2 attribute; Packer tags them right after, with our tag. The instance
        // an AMI is made from must be one of ours (deny guard below).
        Statement::new(
            "PackerCreateImages",
            &["ec2:CreateImage"],
            vec![
                ec2_no_account("image/*"),
                ec2("instance/*"),
                ec2_no_account("snapshot/*"),
            ],
        ),
        Statement::deny(
            "PackerImageOnlyOwnInstances",
            &["ec2:CreateImage"],
            vec![ec2("instance/*")],
        )
        .when(
            "StringNotEquals",
            format!("aws:ResourceTag/{STACK_TAG}"),
            tagged(stack),
        ),
        Statement::new(
            "PackerSetImageAttributes",
            &["ec2:ModifyImageAttribute"],
            vec![ec2_no_account("image/*")],
        ),
        Statement::new(
            "PackerTagOwnResources",
            &["ec2:CreateTags"],
            vec![
                ec2_no_account("image/*"),
                ec2_no_account("snapshot/*"),
                ec2("volume/*"),
            ],
        )
        .when(
            "StringEquals",
            format!("aws:RequestTag/{STACK_TAG}"),
            tagged(stack),
        ),
        Statement::new(
            "PackerCleanUpOwnImages",
            &["ec2:DeleteSnapshot", "ec2:DeregisterImage"],
            vec![ec2_no_account("image/*"), ec2_no_account("snapshot/*")],
        )
        .when(
            "StringEquals",
            format!("aws:ResourceTag/{STACK_TAG}"),
            tagged(stack),
        ),
        // Packer names its temporary key pairs packer_<uuid>.
        Statement::new(
            "PackerTemporaryKeyPair",
            &["ec2:CreateKeyPair", "ec2:DeleteKeyPair"],
            vec![ec2("key-pair/packer_*")],
        ),
        Statement::new(
            "PackerTemporarySecurityGroup",
            &[
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:CreateSecurityGroup",
                "ec2:DeleteSecurityGroup",
            ],
            vec![ec2("security-group/*"), ec2("vpc/*")],
        ),
    ];
    Policy { statements }
}

/// What a CI job needs to roll new AMIs out with `stackchef aws deploy`: change sets on this
/// stack only, and the calls CloudFormation makes with the caller's credentials to update
/// launch templates and Auto Scaling groups tagged as this stack's. Creating the stack and
/// changing its IAM roles, security groups or zone stays with an administrator.
pub fn ci_deployer(stack: &Stack, launched: &[&Image]) -> Policy {
    let mut statements = vec![Statement::new(
        "DeployThisStack",
        &[
            "cloudformation:CreateChangeSet",
            "cloudformation:DeleteChangeSet",
            "cloudformation:DescribeChangeSet",
            "cloudformation:DescribeStackEvents",
            "cloudformation:DescribeStacks",
            "cloudformation:ExecuteChangeSet",
        ],
        vec![format!(
            "arn:${{AWS::Partition}}:cloudformation:${{AWS::Region}}:${{AWS::AccountId}}:stack/${{AWS::StackName}}/*"
        )],
    )];
    let mut describe = vec!["ec2:DescribeVpcs"];
    if !launched.is_empty() {
        describe.extend([
            "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:DescribeScalingActivities",
            "ec2:DescribeImages",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:DescribeLaunchTemplates",
            "ec2:DescribeSubnets",
        ]);
    }
    describe.sort();
    statements.push(
        Statement::any_resource(
            "DeployDescribe",
            &describe,
            "Describe calls of EC2 and Auto Scaling support no resource-level permissions: AWS accepts only \"*\" for them. They are read-only and limited to this region.",
        )
        .when("StringEquals", "aws:RequestedRegion", this_region()),
    );
    if !launched.is_empty() {
        statements.extend([
            Statement::new(
                "DeployNewLaunchTemplateVersions",
                &["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"],
                vec![ec2("launch-template/*")],
            )
            .when("StringEquals", format!("aws:ResourceTag/{STACK_TAG}"), tagged(stack)),
            // Auto Scaling checks that the caller could launch the template it is given. IAM
            // evaluates RunInstances on every resource of a launch, so the allow covers them all
            // in this region and a deny guard limits it to this stack's launch templates.
            Statement::new(
                "DeployLaunchCheck",
                &["ec2:RunInstances"],
                vec![
                    ec2_no_account("image/*"),
                    ec2("instance/*"),
                    ec2("launch-template/*"),
                    ec2("network-interface/*"),
                    ec2("security-group/*"),
                    ec2("subnet/*"),
                    ec2("volume/*"),
                ],
            ),
            Statement::deny("DeployLaunchOnlyOwnTemplates", &["ec2:RunInstances"], vec![ec2("launch-template/*")])
                .when("StringNotEquals", format!("aws:ResourceTag/{STACK_TAG}"), tagged(stack)),
            Statement::new(
                "DeployTagAtLaunch",
                &["ec2:CreateTags"],
                vec![ec2("instance/*"), ec2("volume/*")],
            )
            .when("StringEquals", "ec2:CreateAction", vec!["RunInstances".to_string()]),
            Statement::new(
                "DeployRollOwnGroups",
                &[
                    "autoscaling:ResumeProcesses",
                    "autoscaling:SetDesiredCapacity",
                    "autoscaling:SuspendProcesses",
                    "autoscaling:TerminateInstanceInAutoScalingGroup",
                    "autoscaling:UpdateAutoScalingGroup",
                ],
                vec![format!(
                    "arn:${{AWS::Partition}}:autoscaling:${{AWS::Region}}:${{AWS::AccountId}}:autoScalingGroup:*:autoScalingGroupName/*"
                )],
            )
            .when("StringEquals", format!("aws:ResourceTag/{STACK_TAG}"), tagged(stack)),
            Statement::new(
                "DeployPassInstanceRoles",
                &["iam:PassRole"],
                vec![format!("arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{}/*", stack.name)],
            )
            .when("StringEquals", "iam:PassedToService", vec!["ec2.amazonaws.com".to_string()]),
        ]);
    }
    Policy { statements }
}

/// The instance role of one image: publish the DNS names of the services it runs (its own and
/// its parents', since a layered AMI runs both) in the private zone, and nothing else. The
/// boot-time DNS script of the generated cookbooks makes exactly two calls: it finds the zone
/// by name and UPSERTs one A record per name; it does not wait for the change (no GetChange).
/// `None` when the image registers no name. This is the role's whole policy, as the standalone
/// document states it; the template splits it in two: [`register_own_names`] inline, per
/// image, and [`zone_lookup`] once, as a managed policy the roles share.
pub fn instance_role(fqdns: &[String]) -> Option<Policy> {
    let mut policy = register_own_names(fqdns)?;
    policy.statements.extend(zone_lookup().statements);
    Some(policy)
}

/// The per-image part of [`instance_role`]: UPSERT the A records of its own names only.
pub fn register_own_names(fqdns: &[String]) -> Option<Policy> {
    if fqdns.is_empty() {
        return None;
    }
    let statements = vec![Statement::new(
        "RegisterOwnNames",
        &["route53:ChangeResourceRecordSets"],
        vec![format!(
            "arn:${{AWS::Partition}}:route53:::hostedzone/${{{HOSTED_ZONE_ID}}}"
        )],
    )
    .when(
        "ForAllValues:StringEquals",
        "route53:ChangeResourceRecordSetsNormalizedRecordNames",
        fqdns.to_vec(),
    )
    .when(
        "ForAllValues:StringEquals",
        "route53:ChangeResourceRecordSetsRecordTypes",
        vec!["A".to_string()],
    )
    .when(
        "ForAllValues:StringEquals",
        "route53:ChangeResourceRecordSetsActions",
        vec!["UPSERT".to_string()],
    )];
    Some(Policy { statements })
}

/// The part of [`instance_role`] every image shares: find the zone's id from its name.
pub fn zone_lookup() -> Policy {
    Policy {
        statements: vec![Statement::any_resource(
            "FindZoneByName",
            &["route53:ListHostedZonesByName"],
            "ListHostedZonesByName supports no resource-level permissions: AWS accepts only \"*\". The boot-time DNS unit uses it, read-only, to find the private zone's id from its name.",
        )],
    }
}
