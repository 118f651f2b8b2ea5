name 'fix_leg004'
version '1.0.0'
