"""The workspace: the unit of work a service receives (context), companies, authorisations."""
