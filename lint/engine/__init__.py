"""Running rules: the registry, run context, plan and executors, suppression, baseline, fixes."""
