#!/usr/bin/env node
/**
 * Synthesizes the stack offline (no credentials, no lookups) and prints its CloudFormation template
 * to stdout: `npx tsx infra/bin/print-template.ts [stage]`. Same app as cdk.json, cdk-nag included;
 * useful where the installed CDK CLI cannot read this aws-cdk-lib's cloud assembly.
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createApp } from '../app';

const stage = process.argv[2];
const { app, stack } = createApp(stage ? { context: { stage } } : {});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const assembly = app.synth();
process.stdout.write(`${JSON.stringify(assembly.getStackByName(stack.stackName).template, null, 2)}\n`);
