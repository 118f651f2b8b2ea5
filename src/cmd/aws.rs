//! `stackchef aws deploy`: the steps are [`crate::deploy`]'s; this prints between them, shows
//! the change set and asks before applying it.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{bail, Result};
use serde_json::Value;

use super::args::DeployArgs;
use super::EXIT_OK;
use crate::deploy::{self, ChangeSet, Request};
use crate::diag::{Severity, UserError};

/// `stackchef aws deploy`.
pub fn deploy(args: &DeployArgs) -> Result<u8> {
    let req = Request {
        file: args.file.clone(),
        out: args.out.clone(),
        ami: args.ami.clone(),
        region: args.region.clone(),
        profile: args.profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
        stack_name: args.stack_name.clone(),
        s3_bucket: args.s3_bucket.clone(),
        s3_prefix: args.s3_prefix.clone(),
    };
    let loaded = deploy::load(&req)?;
    if let Some(warning) = loaded.stale_warning() {
        crate::errln!("{}", warning.render(Severity::Warning));
    }
    // Everything that can be refused without AWS is checked before calling it.
    let plan = loaded.plan(&req)?;
    let (mut session, identity) = plan.connect(&req)?;
    let stack_name = session.plan.stack_name.clone();
    crate::errln!(
        "Deploying stack `{stack_name}` to {} as {}",
        session.plan.region,
        identity.as_deref().unwrap_or("(unknown identity)")
    );
    session.lookup_vpc_cidr()?;

    crate::errln!("Creating a change set…");
    let change_set = match session.create_change_set()? {
        ChangeSet::UpToDate => {
            crate::outln!("No changes: stack `{stack_name}` is up to date.")?;
            return Ok(EXIT_OK);
        }
        ChangeSet::Pending(change_set) => change_set,
    };
    crate::out!(
        "{}",
        change_summary(&stack_name, change_set.creating, &change_set.described)
    )?;

    let approved = if args.yes {
        Ok(true)
    } else {
        confirm(&stack_name)
    };
    if !matches!(approved, Ok(true)) {
        session.discard(&change_set)?;
        approved?;
        crate::outln!("Nothing applied; the change set was deleted.")?;
        return Ok(EXIT_OK);
    }

    session.execute(&change_set)?;
    crate::errln!("Applying the change set; waiting for CloudFormation…");
    session.wait(&change_set)?;
    crate::outln!(
        "Stack `{stack_name}` {}.",
        if change_set.creating {
            "created"
        } else {
            "updated"
        }
    )?;
    if let Some(outputs) = session.outputs() {
        crate::out!("{}", outputs_table(&outputs))?;
    }
    Ok(EXIT_OK)
}

fn change_summary(stack_name: &str, creating: bool, described: &Value) -> String {
    let empty = Vec::new();
    let changes = described["Changes"].as_array().unwrap_or(&empty);
    let mut out = format!(
        "Change set for stack `{stack_name}` ({}, {} change{}):\n",
        if creating { "new stack" } else { "update" },
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    );
    let width = changes
        .iter()
        .filter_map(|c| c["ResourceChange"]["LogicalResourceId"].as_str())
        .map(str::len)
        .max()
        .unwrap_or(0);
    for change in changes {
        let rc = &change["ResourceChange"];
        let action = rc["Action"].as_str().unwrap_or("?");
        let sign = match action {
            "Add" => "+",
            "Remove" => "-",
            "Modify" => "~",
            _ => "?",
        };
        let replacement = match rc["Replacement"].as_str() {
            Some("True") => "  (replaced)",
            Some("Conditional") => "  (may be replaced)",
            _ => "",
        };
        out.push_str(&format!(
            "  {sign} {:<7} {:<width$}  {}{replacement}\n",
            action.to_lowercase(),
            rc["LogicalResourceId"].as_str().unwrap_or("?"),
            rc["ResourceType"].as_str().unwrap_or("?"),
        ));
    }
    out
}

fn outputs_table(outputs: &Value) -> String {
    let Some(outputs) = outputs.as_array() else {
        return String::new();
    };
    let mut rows: Vec<(&str, &str)> = outputs
        .iter()
        .filter_map(|o| Some((o["OutputKey"].as_str()?, o["OutputValue"].as_str()?)))
        .collect();
    rows.sort();
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    if !rows.is_empty() {
        out.push_str("Outputs:\n");
    }
    for (k, v) in rows {
        out.push_str(&format!("  {k:<width$}  {v}\n"));
    }
    out
}

fn confirm(stack_name: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(UserError::new("not applying the change set without confirmation: standard input is not a terminal; nothing was applied and the change set was deleted")
            .with_help("review the change set above, then run again with --yes"));
    }
    crate::err!("Apply these changes to `{stack_name}`? [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lists_every_change() {
        let described = serde_json::json!({"Changes": [
            {"ResourceChange": {"Action": "Add", "LogicalResourceId": "HostedZone", "ResourceType": "AWS::Route53::HostedZone"}},
            {"ResourceChange": {"Action": "Modify", "LogicalResourceId": "WebLaunchTemplate", "ResourceType": "AWS::EC2::LaunchTemplate", "Replacement": "False"}},
            {"ResourceChange": {"Action": "Modify", "LogicalResourceId": "WebSecurityGroup", "ResourceType": "AWS::EC2::SecurityGroup", "Replacement": "True"}}
        ]});
        let s = change_summary("shop-stackchef", false, &described);
        assert_eq!(
            s,
            "Change set for stack `shop-stackchef` (update, 3 changes):\n  + add     HostedZone         AWS::Route53::HostedZone\n  ~ modify  WebLaunchTemplate  AWS::EC2::LaunchTemplate\n  ~ modify  WebSecurityGroup   AWS::EC2::SecurityGroup  (replaced)\n"
        );
    }
}
