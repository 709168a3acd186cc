#!/usr/bin/env node
/** CDK entry point (cdk.json): `npm run synth`, `npx cdk synth -c stage=dev`. */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createApp } from '../app';

const { app } = createApp();
// cdk-nag v3: AwsSolutions runs as a policy validation plugin at synth; acknowledgements are in code.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
