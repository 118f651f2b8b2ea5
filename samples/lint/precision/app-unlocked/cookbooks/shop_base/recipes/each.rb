%w(shop_base::checks shop_base::users).each do |r| # flag: INC001
  include_recipe r
end
