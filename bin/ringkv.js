#!/usr/bin/env node
// Entry point for the `ringkv` command; the CLI itself is compiled from src/cli.
import '../dist/cli/main.js';
