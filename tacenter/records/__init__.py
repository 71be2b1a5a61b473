"""Moving a center's records in and out: imports (parse, validate, preview, commit) and exports."""
