name 'fix_leg005'
version '1.0.0'
chef_version '>= 15.3'
