name 'fix_leg006'
version '1.0.0'
