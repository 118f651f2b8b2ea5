name 'fix_leg003'
version '1.0.0'
