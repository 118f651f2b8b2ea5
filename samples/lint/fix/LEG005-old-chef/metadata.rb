name 'fix_leg005_old_chef'
version '1.0.0'
chef_version '>= 12.1'
