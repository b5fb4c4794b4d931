"""Her conversation steps: welcome, menu, services, intake, her referrals, privacy, danger."""
