"""guidebot: child-protection guidance prompts for frontline police officers."""

__version__ = "0.1.0"
