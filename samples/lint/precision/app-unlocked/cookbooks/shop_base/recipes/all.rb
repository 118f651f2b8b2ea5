include_recipe "#{cookbook_name}::checks" # flag: INC001
include_recipe "#{cookbook_name}::users"
