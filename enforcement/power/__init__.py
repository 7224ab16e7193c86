"""The power list (执法事项清单): services, selectors, rules, discretion, import/export and public pages."""
