package %w(curl git htop)
